(function(){
/* One closure per figure, found by its unique id: no global name, any number of figures a page.
   Frames are plain URLs (data: URIs or files): only the default frame is in the markup; the
   others are fetched when the figure nears the viewport or on the first interaction. */
var root=document.getElementById("__ID__");
if(!root||root.getAttribute("data-ready"))return;
root.setAttribute("data-ready","1");
var d=JSON.parse(document.getElementById("__ID__-data").textContent);
var img=document.getElementById("__ID__-img");
var source=root.querySelector("picture source");
var k0=Number(root.getAttribute("data-frame"));
var wide=d.frames.slice(),narrow=d.narrow?d.narrow.slice():null;
wide[k0]=img.getAttribute("src");
if(narrow&&source)narrow[k0]=source.getAttribute("srcset");
var controls=root.querySelectorAll("[data-control]");
var readout=document.getElementById("__ID__-readout");
var fetched={},keep=[];
function frames(){return narrow&&source&&window.matchMedia&&window.matchMedia(d.media).matches?narrow:wide;}
function preload(){
var set=frames();if(fetched[set===narrow])return;fetched[set===narrow]=true;
for(var i=0;i<set.length;i++){if(i!==k0){var im=new Image();im.decoding="async";im.src=set[i];keep.push(im);}}
}
function at(c){
var kind=c.getAttribute("data-control"),inputs=c.querySelectorAll("input");
if(kind==="range")return Number(inputs[0].value);
if(kind==="toggle")return inputs[0].checked?1:0;
for(var i=0;i<inputs.length;i++)if(inputs[i].checked)return i;
return 0;
}
function show(){
var k=0,t=[];
for(var i=0;i<controls.length;i++){
var c=controls[i],j=at(c),out=c.querySelector("output");
k=k*d.sizes[i]+j;
if(out)out.textContent=d.values[i][j];
if(c.getAttribute("data-control")==="range")c.querySelector("input").setAttribute("aria-valuetext",d.texts[i][j]);
t.push(d.texts[i][j]);
}
preload();
if(source)source.srcset=narrow[k];
img.src=wide[k];
img.alt=d.alt+" ("+t.join("; ")+")";
if(readout)readout.textContent=d.readouts[k];
root.setAttribute("data-frame",String(k));
}
/* The readout line keeps the height of its tallest text, so the page never shifts while dragging. */
function reserve(){
if(!readout)return;
var now=readout.textContent,h=0,seen={},texts=[];
for(var i=0;i<d.readouts.length;i++){var s=d.readouts[i];if(!seen[s]){seen[s]=1;texts.push(s);}}
texts.sort(function(a,b){return b.length-a.length;});
readout.style.minHeight="";
for(var i=0;i<texts.length&&i<3;i++){readout.textContent=texts[i];h=Math.max(h,readout.offsetHeight);}
readout.textContent=now;readout.style.minHeight=h+"px";
}
var all=root.querySelectorAll("[data-control] input");
for(var i=0;i<all.length;i++){
all[i].disabled=false;
all[i].addEventListener(all[i].type==="range"?"input":"change",show);
}
root.addEventListener("pointerdown",preload);
root.addEventListener("focusin",preload);
/* Measuring the readout forces a layout of the page: done once the figure nears the viewport
   (before it shows), not while the page is parsed, where each figure's layout of the whole long
   page would delay DOMContentLoaded. */
if("IntersectionObserver" in window){
var io=new IntersectionObserver(function(es){for(var i=0;i<es.length;i++)if(es[i].isIntersecting){io.disconnect();reserve();preload();}},{rootMargin:"600px 0px"});
io.observe(root);
}else{reserve();preload();}
var pending=false;
window.addEventListener("resize",function(){if(!pending){pending=true;requestAnimationFrame(function(){pending=false;reserve();});}});
})();
